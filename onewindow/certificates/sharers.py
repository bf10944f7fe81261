"""Other signed documents that share the verification address /verify/<token> (and /api/v1/verify/<token>)
with licences, e.g. the 志愿服务记录证明: their app registers, in its `AppConfig.ready()`, how to answer for
a token that is not a licence's. The certificates app asks them in turn and knows none of them."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

PAGES: list[Callable[[HttpRequest, str], HttpResponse | None]] = []
ANSWERS: list[Callable[[str], JsonResponse | None]] = []


def share_verification(
    *, page: Callable[[HttpRequest, str], HttpResponse | None], answer: Callable[[str], JsonResponse | None]
) -> None:
    """`page(request, token)`: the public page, `answer(token)`: the API's JSON; each None when the token is
    not one of theirs."""
    if page not in PAGES:
        PAGES.append(page)
    if answer not in ANSWERS:
        ANSWERS.append(answer)


def page_for(request: HttpRequest, token: str) -> HttpResponse | None:
    return next((response for page in PAGES if (response := page(request, token)) is not None), None)


def answer_for(token: str) -> JsonResponse | None:
    return next((response for answer in ANSWERS if (response := answer(token)) is not None), None)
