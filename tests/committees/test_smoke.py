import pytest


@pytest.mark.django_db
def test_world_builds(world):
    assert type(world.cell_a1).objects.get_parent(world.cell_a1) == world.committee_a
    assert world.bloc_reviewer.roles.count() == 1


def test_login_page_renders(client, db):
    response = client.get("/dang-nhap/")
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()
