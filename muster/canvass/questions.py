"""Question forms: the templates a campaign starts from, the schema a form is checked against, answers checked against a form.

A form is JSON stored on the campaign (so a campaign keeps its questions when the templates change);
the pydantic models here are the schema both for the stored form and for answers coming from phones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, Field, ValidationError, field_validator

from muster.core.errors import InvalidInput

TYPES = ("yesno", "text", "date", "choice", "multi")


class Question(BaseModel):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,29}$")
    type: Literal["yesno", "text", "date", "choice", "multi"]
    label: str = Field(min_length=1, max_length=200)
    choices: list[str] = Field(default_factory=list, max_length=30)

    @field_validator("choices")
    @classmethod
    def _choices(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("duplicate choice")
        return v


class Rule(BaseModel):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    question: str
    equals: Any
    label: str = Field(min_length=1, max_length=120)
    action: Literal["sampling", "quarantine", "need"]


class Form(BaseModel):
    questions: list[Question] = Field(min_length=1, max_length=40)
    rules: list[Rule] = Field(default_factory=list, max_length=20)

    @field_validator("questions")
    @classmethod
    def _unique(cls, v: list[Question]) -> list[Question]:
        if len({q.key for q in v}) != len(v):
            raise ValueError("duplicate question key")
        for q in v:
            if q.type in ("choice", "multi") and not q.choices:
                raise ValueError(f"{q.key}: a choice question needs choices")
        return v


def _templates() -> dict[str, dict]:
    s = str
    return {
        "market": {
            "label": _("Travel to the market since a date (contact tracing)"),
            "questions": [
                {"key": "market", "type": "yesno", "label": s(_("Been to Xinfadi market or its surroundings since 30 May?"))},
                {"key": "market_date", "type": "date", "label": s(_("Date of the last visit there"))},
                {"key": "symptoms", "type": "yesno", "label": s(_("Fever, cough or other symptoms?"))},
                {"key": "last_test", "type": "date", "label": s(_("Date of the last nucleic acid test"))},
                {"key": "needs", "type": "multi", "label": s(_("Special needs")),
                 "choices": ["elderly_alone", "disability", "medicines"]},
            ],
            "rules": [
                {"key": "market", "question": "market", "equals": True, "label": s(_("At the market since 30 May")),
                 "action": "sampling"},
                {"key": "symptoms", "question": "symptoms", "equals": True, "label": s(_("Has symptoms")), "action": "quarantine"},
                {"key": "elderly_alone", "question": "needs", "equals": "elderly_alone",
                 "label": s(_("Elderly person living alone")), "action": "need"},
                {"key": "medicines", "question": "needs", "equals": "medicines", "label": s(_("Needs medicines")),
                 "action": "need"},
            ],
        },
        "arrival": {
            "label": _("Arrival in the city and from where"),
            "questions": [
                {"key": "arrived", "type": "date", "label": s(_("Date of arrival in Beijing"))},
                {"key": "arrived_from", "type": "text", "label": s(_("Arrived from (province, city)"))},
                {"key": "risk_area", "type": "yesno", "label": s(_("Came from a medium or high risk area?"))},
                {"key": "symptoms", "type": "yesno", "label": s(_("Fever, cough or other symptoms?"))},
            ],
            "rules": [
                {"key": "risk_area", "question": "risk_area", "equals": True, "label": s(_("Arrived from a risk area")),
                 "action": "sampling"},
                {"key": "symptoms", "question": "symptoms", "equals": True, "label": s(_("Has symptoms")), "action": "quarantine"},
            ],
        },
    }


def templates() -> dict[str, dict]:
    """The forms a leader chooses from, in the active language (labels are stored with the campaign)."""
    return _templates()


def template_form(key: str) -> Form:
    t = templates().get(key)
    if t is None:
        raise InvalidInput(_("Unknown question form."), field="template")
    return Form(questions=t["questions"], rules=t["rules"])


def check_form(data: dict) -> Form:
    """A stored form, checked against the schema (InvalidInput with the field otherwise)."""
    try:
        form = Form.model_validate(data)
    except ValidationError as e:
        raise InvalidInput(_("The question form is not valid."), field="questions",
                           errors=[{"field": ".".join(map(str, err["loc"])), "message": err["msg"]} for err in e.errors()]) from None
    keys = {q.key for q in form.questions}
    for r in form.rules:
        if r.question not in keys:
            raise InvalidInput(_("A rule names a question the form does not have."), field="rules")
    return form


def clean_answers(questions: list[dict], answers: Any, *, field: str = "answers") -> dict:
    """Answers of one person checked against the form: unknown keys and wrong types are refused with the field."""
    if not isinstance(answers, dict):
        raise InvalidInput(_("Answers must be an object."), field=field)
    by_key = {q["key"]: q for q in questions}
    out: dict[str, Any] = {}
    for key, value in answers.items():
        q = by_key.get(key)
        where = f"{field}.{key}"
        if q is None:
            raise InvalidInput(_("This question is not on the campaign's form."), field=where)
        if value is None or value == "" or value == []:
            continue
        t = q["type"]
        if t == "yesno" and not isinstance(value, bool):
            raise InvalidInput(_("Answer yes or no."), field=where)
        if t == "text" and (not isinstance(value, str) or len(value) > 200):
            raise InvalidInput(_("Answer with at most 200 characters of text."), field=where)
        if t == "date":
            try:
                d = dt.date.fromisoformat(value) if isinstance(value, str) else None
            except ValueError:
                d = None
            if d is None or not (dt.date(2000, 1, 1) <= d <= dt.date(2100, 1, 1)):
                raise InvalidInput(_("Enter a valid date."), field=where)
        if t == "choice" and value not in q["choices"]:
            raise InvalidInput(_("Choose one of the offered answers."), field=where)
        if t == "multi" and (not isinstance(value, list) or any(v not in q["choices"] for v in value)
                             or len(set(value)) != len(value)):
            raise InvalidInput(_("Choose among the offered answers."), field=where)
        out[key] = value
    return out


def matches(rules: list[dict], answers: dict) -> list[dict]:
    """The rules these answers match: equal to the value, or (for several choices) containing it."""
    hit = []
    for r in rules:
        v = answers.get(r["question"])
        if v is None:
            continue
        if v == r["equals"] or (isinstance(v, list) and r["equals"] in v):
            hit.append(r)
    return hit


NEED_LABELS = {"elderly_alone": _("Elderly, living alone"), "disability": _("Disability"), "medicines": _("Needs medicines")}
