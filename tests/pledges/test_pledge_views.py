import pytest
from django.urls import reverse

from pledges.models import Pledge, PledgeState
from pledges.services import pledges as services
from pledges.services.pledges import ItemInput
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def entry_url(person, year=2024):
    return reverse("pledges:pledge_entry", args=[person.pk, year])


def item_post(rows, *, action="submit", version=""):
    data = {"items-TOTAL_FORMS": str(len(rows)), "items-INITIAL_FORMS": "0", "version": version, action: "1"}
    for index, (content, area, target, due) in enumerate(rows):
        data.update(
            {
                f"items-{index}-content": content,
                f"items-{index}-area": area,
                f"items-{index}-target": target,
                f"items-{index}-due_on": due,
            }
        )
    return data


FOUR_ITEMS = [
    ("Đi làm đúng giờ", "workplace", "100% ngày công", "2024-12-31"),
    ("Tiết kiệm điện, nước", "thrift", "giảm 10%", ""),
    ("Giải quyết hồ sơ đúng hạn", "service", "", "2024-06-30"),
    ("Tham gia sinh hoạt đầy đủ", "example", "", ""),
]


def test_secretary_enters_and_submits_a_four_item_pledge(world, login):
    person = world.people_a1[0]
    response = login(world.a1_secretary).post(entry_url(person), item_post(FOUR_ITEMS))
    assert response.status_code == 302
    pledge = Pledge.objects.get(person=person, year=2024)
    assert pledge.state == PledgeState.SUBMITTED
    assert pledge.items.count() == 4


def test_draft_with_blank_rows_keeps_only_filled_rows(world, login):
    rows = [FOUR_ITEMS[0], ("", "ethics", "", ""), ("", "ethics", "", "")]
    login(world.a1_secretary).post(entry_url(world.people_a1[0]), item_post(rows, action="save"))
    pledge = Pledge.objects.get(person=world.people_a1[0])
    assert pledge.state == PledgeState.DRAFT
    assert pledge.items.count() == 1


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("", "ethics", "", "")], "Bản đăng ký cần ít nhất một việc làm theo."),
        ([("", "ethics", "có chỉ tiêu mà không có nội dung", "")], "Hãy nhập nội dung việc làm theo"),
        ([("Đúng giờ", "ethics", "", "2025-02-01")], "phải nằm trong năm 2024"),
        ([("x" * 1001, "ethics", "", "")], "1000"),
    ],
)
def test_bad_input_comes_back_filled_with_a_message(world, login, rows, message):
    response = login(world.a1_secretary).post(entry_url(world.people_a1[0]), item_post(rows))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    if rows[0][2]:
        assert rows[0][2] in body
    assert not Pledge.objects.exists()


def test_second_editor_with_stale_version_is_refused(world, login):
    person = world.people_a1[0]
    pledge = services.pledge_create(person=person, year=2024, items=[ItemInput(content="Một")])
    stale = str(pledge.version)
    client = login(world.a1_secretary)
    client.post(entry_url(person), item_post([("Hai", "ethics", "", "")], action="save", version=stale))
    response = client.post(entry_url(person), item_post([("Ba", "ethics", "", "")], action="save", version=stale))
    assert response.status_code == 200
    assert "vừa được người khác cập nhật" in response.content.decode()
    assert list(pledge.items.values_list("content", flat=True)) == ["Hai"]


def test_add_row_without_javascript_returns_one_more_row(world, login):
    data = item_post([FOUR_ITEMS[0]], action="add_row")
    response = login(world.a1_secretary).post(entry_url(world.people_a1[0]), data)
    assert response.status_code == 200
    assert 'name="items-1-content"' in response.content.decode()
    assert not Pledge.objects.exists()


def test_item_row_partial(world, login):
    response = login(world.a1_secretary).get(reverse("pledges:item_row"), {"index": 4})
    assert 'name="items-4-content"' in response.content.decode()
    assert login(world.a1_secretary).get(reverse("pledges:item_row"), {"index": 999}).status_code == 404


def test_secretary_of_another_cell_gets_404(world, login):
    response = login(world.b1_secretary).post(entry_url(world.people_a1[0]), item_post(FOUR_ITEMS))
    assert response.status_code == 404
    assert not Pledge.objects.exists()


def test_reviewer_reads_but_cannot_write(world, login):
    person = world.people_a1[0]
    pledge = services.pledge_create(person=person, year=2024, items=[ItemInput(content="Một")], submit=True)
    client = login(world.bloc_reviewer)
    assert client.get(reverse("pledges:roster", args=[world.cell_a1.pk, 2024])).status_code == 200
    assert client.get(reverse("pledges:pledge_detail", args=[pledge.pk])).status_code == 200
    assert client.post(entry_url(world.people_a1[1]), item_post(FOUR_ITEMS)).status_code == 403
    assert client.post(reverse("pledges:pledge_accept", args=[pledge.pk])).status_code == 403
    pledge.refresh_from_db()
    assert pledge.state == PledgeState.SUBMITTED


def test_review_accept_and_return_from_the_detail_page(world, login):
    pledge = services.pledge_create(person=world.people_a1[0], year=2024, items=[ItemInput(content="Một")], submit=True)
    client = login(world.a1_secretary)
    client.post(reverse("pledges:pledge_return", args=[pledge.pk]), {"comment": ""})
    pledge.refresh_from_db()
    assert pledge.state == PledgeState.SUBMITTED
    client.post(reverse("pledges:pledge_return", args=[pledge.pk]), {"comment": "Ghi rõ chỉ tiêu"})
    pledge.refresh_from_db()
    assert pledge.state == PledgeState.RETURNED


def test_roster_shows_states_and_exempt_people(world, login):
    exempt = PersonFactory(
        organization=world.cell_a1, full_name="Lê Văn Hưu", exemption="retired", exemption_reason="Hưu trí"
    )
    services.pledge_create(person=world.people_a1[0], year=2024, items=[ItemInput(content="Một")], submit=True)
    response = login(world.a1_secretary).get(reverse("pledges:roster", args=[world.cell_a1.pk, 2024]))
    rows = {row.person.pk: row.status for row in response.context["rows"]}
    assert rows[exempt.pk] == "exempt"
    assert rows[world.people_a1[0].pk] == "on_time"
    assert rows[world.people_a1[1].pk] == "missing"
    assert response.context["roster"].required == 3


def test_roster_filters_by_state_and_searches_without_marks(world, login):
    client = login(world.a1_secretary)
    url = reverse("pledges:roster", args=[world.cell_a1.pk, 2024])
    response = client.get(url, {"q": "tran thi binh"})
    assert [row.person.full_name for row in response.context["rows"]] == ["Trần Thị Bình"]
    response = client.get(url, {"trang-thai": "missing"})
    assert len(response.context["rows"]) == 3


def test_roster_query_count_does_not_grow_with_people(world, login, django_assert_max_num_queries):
    client = login(world.a1_secretary)
    url = reverse("pledges:roster", args=[world.cell_a1.pk, 2024])
    for index in range(40):
        person = PersonFactory(organization=world.cell_a1)
        if index % 2:
            services.pledge_create(person=person, year=2024, items=[ItemInput(content="Một")])
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert len(response.context["rows"]) == 43


def test_cell_evaluation_screen_evaluates_accepted_pledges(world, login):
    pledge = services.pledge_create(person=world.people_a1[0], year=2024, items=[ItemInput(content="Một")], submit=True)
    services.pledge_accept(pledge=pledge)
    client = login(world.a1_secretary)
    url = reverse("pledges:cell_evaluation", args=[world.cell_a1.pk, 2024])
    assert client.get(url).status_code == 200
    data = {
        "eval-TOTAL_FORMS": "1",
        "eval-INITIAL_FORMS": "1",
        "eval-0-pledge_id": str(pledge.pk),
        "eval-0-evaluation": "excellent",
        "eval-0-comment": "Gương mẫu",
    }
    assert client.post(url, data).status_code == 302
    pledge.refresh_from_db()
    assert pledge.evaluation == "excellent"
    assert login(world.bloc_reviewer).get(url).status_code == 403


def test_collective_pledge_page(world, login):
    url = reverse("pledges:collective_pledge", args=[world.committee_a.pk, 2024])
    assert login(world.a_clerk).get(url).status_code == 200
    assert login(world.a_clerk).post(url, item_post(FOUR_ITEMS[:2], action="save")).status_code == 403
    assert login(world.b1_secretary).get(url).status_code == 404


def test_history_is_shown_to_clerks_only(world, login):
    pledge = services.pledge_create(person=world.people_a1[0], year=2024, items=[ItemInput(content="Một")], submit=True)
    url = reverse("pledges:pledge_detail", args=[pledge.pk])
    assert login(world.a_clerk).get(url).context["history"]
    assert login(world.a1_secretary).get(url).context["history"] is None


def test_a_transferred_persons_pledge_stays_with_the_cell_it_was_made_in(world, login):
    import datetime

    from committees.services import person_transfer

    person = world.people_a1[0]
    pledge = services.pledge_create(person=person, year=2024, items=[ItemInput(content="Một")])
    person_transfer(person=person, organization=world.cell_b1, on=datetime.date(2024, 3, 1))
    client = login(world.b1_secretary)
    assert client.get(entry_url(person)).status_code == 404
    assert client.post(entry_url(person), item_post([("Hai", "ethics", "", "")], action="save")).status_code == 404
    assert list(pledge.items.values_list("content", flat=True)) == ["Một"]
