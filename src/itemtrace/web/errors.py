"""How refusals look on the web pages.

- A domain or service refusal (`ItemtraceError`) that reaches the framework is the error page,
  with its HTTP status (as the API gives it), title, code and detail (`error_page`).
- A form shows its refusals itself: build a `FormErrors`, pass it to the template as `errors`
  and render the fields with the `field` macro (macros/forms.html): each message sits next to
  its field, and `error_summary(errors)` lists them on top with their codes.

      errors = FormErrors()
      try:
          service.do(...)
      except ItemtraceError as refused:
          errors = FormErrors.of(refused, field="serial")   # or .of(refused) for the whole form
          return render(request, "noun/form.html", {"errors": errors, "form": form}, status_code=errors.status)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from itemtrace.api import problems
from itemtrace.domain.errors import ErrorCode, ItemtraceError, PostingRejected
from itemtrace.web.security import SignInRequired, login_url
from itemtrace.web.templating import render


@dataclass(frozen=True, slots=True)
class Shown:
    """One message as a page shows it: its stable code and what to do."""

    code: str
    detail: str
    line: int | None = None  # a document line (a posting violation), else None
    tracking: str | None = None  # the serial, lot or package number a posting violation names


@dataclass
class FormErrors:
    """The refusals of one form: by field name, and for the form as a whole."""

    fields: dict[str, list[Shown]] = field(default_factory=dict)
    general: list[Shown] = field(default_factory=list)
    status: int = 422

    @classmethod
    def of(cls, error: ItemtraceError, *, field: str | None = None) -> FormErrors:
        """The error on `field`, or on the whole form; each posting violation is kept with its line."""
        errors = cls(status=problems.status_of(error))
        if isinstance(error, PostingRejected):
            for v in error.violations:
                errors.add(field, v.code.value, v.detail, line=v.line, tracking=v.tracking)
        else:
            errors.add(field, error.code.value, error.detail)
        return errors

    @classmethod
    def invalid(cls, error: ValidationError, fields: Mapping[str, str] | None = None) -> FormErrors:
        """A form's input refused by the API's own schema (same limits, same control-character
        rule): each message on its field, named as the form names it (`fields`: schema → form)."""
        errors = cls(status=422)
        for problem in error.errors():
            name = str(problem["loc"][0]) if problem["loc"] else None
            shown = (fields or {}).get(name, name) if name else None
            errors.add(shown, ErrorCode.VALIDATION_ERROR.value, problem["msg"])
        return errors

    def add(
        self,
        field: str | None,
        code: str,
        detail: str,
        *,
        line: int | None = None,
        tracking: str | None = None,
    ) -> None:
        shown = Shown(code, detail, line, tracking)
        if field is None:
            self.general.append(shown)
        else:
            self.fields.setdefault(field, []).append(shown)

    def on(self, field: str) -> list[Shown]:
        return self.fields.get(field, [])

    def on_line(self, line: int) -> list[Shown]:
        """The messages about one document line (posting violations)."""
        return [s for s in self if s.line == line]

    def __iter__(self) -> Iterator[Shown]:
        yield from self.general
        for shown in self.fields.values():
            yield from shown

    def __bool__(self) -> bool:
        return bool(self.general or self.fields)


def error_page(request: Request, status: int, title: str, code: str, detail: str) -> HTMLResponse:
    return render(
        request,
        "errors/error.html",
        {"status": status, "title": title, "code": code, "detail": detail},
        status_code=status,
    )


def itemtrace_error(request: Request, error: ItemtraceError) -> HTMLResponse:
    return error_page(request, problems.status_of(error), error.title, error.code.value, error.detail)


def http_error(request: Request, error: StarletteHTTPException) -> HTMLResponse:
    code = ErrorCode.NOT_FOUND.value if error.status_code == 404 else f"http_{error.status_code}"
    detail = (
        "there is no page at this address: check it, or start again from the dashboard"
        if error.status_code == 404
        else str(error.detail)
    )
    return error_page(
        request, error.status_code, "Not found" if error.status_code == 404 else "Refused", code, detail
    )


def validation_error(request: Request, error: RequestValidationError) -> HTMLResponse:
    details = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'input'}: {e.get('msg', '')}"
        for e in error.errors()
    )
    return error_page(request, 422, "Invalid input", ErrorCode.VALIDATION_ERROR.value, details)


def sign_in_required(_request: Request, error: SignInRequired) -> Response:
    return RedirectResponse(login_url(error.next_url), status_code=303)
