"""A paginator that counts only when it must."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator

from coopdesk.paging import MAX_PAGE


class CountLaterPaginator(Paginator):
    """Django's Paginator, without COUNT(*) when the page shown is the last one.

    Django counts every matching row before it reads a page. Most lists here fit in one page
    (a member's requests in progress, a quiet queue); reading one row more than a page says
    whether another page follows, and when none does, the total is known. The count runs
    only when the template asks for the number of pages of a longer list.
    """

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True) -> None:
        if orphans or not allow_empty_first_page:
            raise ValueError("CountLaterPaginator has no orphans and always allows page 1")
        super().__init__(object_list, per_page)

    def validate_number(self, number) -> int:
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if number > MAX_PAGE:  # its offset would overflow the database's 64 bits
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def get_page(self, number) -> Page:
        """As Django's: a page that is not a number gives the first, one out of range the last."""
        try:
            return self.page(self.validate_number(number))
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if len(rows) > self.per_page:
            return self._get_page(rows[: self.per_page], number, self)
        if rows or number == 1:
            self.__dict__["count"] = bottom + len(rows)  # this is the last page
            return self._get_page(rows, number, self)
        raise EmptyPage(self.error_messages["no_results"])
