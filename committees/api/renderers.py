"""The browsable API's page under our Content-Security-Policy.

A module of its own: the REST framework settings import it while the framework's views are
still loading, so it must not import them (committees.api.common does).
"""

from rest_framework import renderers


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's page without what the policy refuses: its inline <style> element (the colours of
    highlighted code; code blocks show uncoloured) and the "Extra Actions" menu, whose markup
    carries a style attribute (the actions are listed in the API documentation page)."""

    def get_context(self, *args, **kwargs):
        context = super().get_context(*args, **kwargs)
        context["code_style"] = None
        context["extra_actions"] = None
        return context
