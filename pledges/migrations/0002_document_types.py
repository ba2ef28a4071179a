from django.db import migrations

# Type codes of Party documents (Hướng dẫn 36-HD/VPTW, 2018). "QyĐ" is the State's code for
# a decision: it is kept so that it can be recognised and refused on a Party document.
DOCUMENT_TYPES = [
    ("NQ", "Nghị quyết", True),
    ("QĐ", "Quyết định", True),
    ("CT", "Chỉ thị", True),
    ("KL", "Kết luận", True),
    ("QC", "Quy chế", True),
    ("QĐi", "Quy định", True),
    ("TT", "Thông tri", True),
    ("HD", "Hướng dẫn", True),
    ("BC", "Báo cáo", True),
    ("KH", "Kế hoạch", True),
    ("CTr", "Chương trình", True),
    ("TB", "Thông báo", True),
    ("TTr", "Tờ trình", True),
    ("ĐA", "Đề án", True),
    ("PA", "Phương án", True),
    ("BB", "Biên bản", True),
    ("CV", "Công văn", True),
    ("BS", "Bản sao", True),
    ("QyĐ", "Quyết định (văn bản của Nhà nước)", False),
]


def add_types(apps, schema_editor):
    DocumentType = apps.get_model("pledges", "DocumentType")
    for code, name, is_party in DOCUMENT_TYPES:
        DocumentType.objects.update_or_create(code=code, defaults={"name": name, "is_party": is_party})


def remove_types(apps, schema_editor):
    apps.get_model("pledges", "DocumentType").objects.filter(code__in=[c for c, _, _ in DOCUMENT_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("pledges", "0001_initial")]

    operations = [migrations.RunPython(add_types, remove_types)]
