"""CountLaterPaginator pages exactly like Django's Paginator, counting only when it must."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.models import Ticket
from helpdesk.pagination import CountLaterPaginator
from tests.factories import TicketFactory


@pytest.fixture
def tickets(category, member):
    def make(count: int):
        for n in range(count):
            TicketFactory(category=category, requester=member, subject=f"R{n:02d}")
        return Ticket.objects.order_by("subject")

    return make


def described(page) -> tuple:
    return (
        [t.subject for t in page], page.number, page.paginator.num_pages,
        page.paginator.count, page.has_previous(), page.has_next(), page.start_index(),
        page.end_index(),
    )


@pytest.mark.parametrize("count", [0, 1, 4, 5, 6, 12])
@pytest.mark.parametrize("asked", [1, 2, 3, "9", "x", None, 0, -1])
def test_same_pages_as_django(tickets, count, asked):
    queryset = tickets(count)
    ours = CountLaterPaginator(queryset, 5).get_page(asked)
    django = Paginator(queryset, 5).get_page(asked)
    assert described(ours) == described(django)


def test_a_list_that_fits_in_one_page_is_not_counted(tickets):
    page = CountLaterPaginator(tickets(4), 5).get_page(1)
    with CaptureQueriesContext(connection) as captured:
        assert (page.paginator.num_pages, page.has_other_pages(), len(page)) == (1, False, 4)
    assert captured.captured_queries == []


def test_the_last_page_is_not_counted(tickets):
    paginator = CountLaterPaginator(tickets(7), 5)
    with CaptureQueriesContext(connection) as captured:
        page = paginator.get_page(2)
        assert (page.paginator.count, page.has_next()) == (7, False)
    assert len(captured.captured_queries) == 1  # the page itself


def test_a_longer_list_is_counted_once_for_its_number_of_pages(tickets):
    paginator = CountLaterPaginator(tickets(12), 5)
    with CaptureQueriesContext(connection) as captured:
        page = paginator.get_page(1)
        assert (page.has_next(), paginator.num_pages, paginator.count) == (True, 3, 12)
    assert len(captured.captured_queries) == 2  # the page, then one COUNT


def test_orphans_are_refused(tickets):
    with pytest.raises(ValueError):
        CountLaterPaginator(tickets(1), 5, orphans=2)
