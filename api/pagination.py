"""Page-number pagination with a hard maximum page size (`API_MAX_PAGE_SIZE`)."""

from django.conf import settings
from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"

    def __init__(self) -> None:
        # Read per request (a paginator is made for each), so a changed setting applies at once.
        self.max_page_size = settings.API_MAX_PAGE_SIZE
