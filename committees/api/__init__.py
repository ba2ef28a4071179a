"""The REST API of the tree and people, and what every API view shares (committees.api.common)."""
