"""Diseases as clerks write them on a claim line, read as ICD-10 through the
bundled 傷病名マスター (b_20240601): 特定疾患療養管理料 (113001910) is billable for
高血圧症 (I10) on 2024-05-20 and no longer on 2024-06-03 (the 2024 revision took
I10 off its list), whichever way the disease is written."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def priced(client: TestClient, disease: str, day: str) -> dict[str, object]:
    claim = {
        "id": "x",
        "lines": [
            {"code": "112007410", "date": day, "disease": disease},
            {"code": "113001910", "date": day, "disease": disease},
        ],
    }
    answer = client.post("/claims/price", json=claim)
    assert answer.status_code == 200, answer.text
    return answer.json()["lines"][1]


@pytest.mark.parametrize("written", ["I10", "8833421", "高血圧症", "８８３３４２１"])
def test_a_disease_code_or_name_prices_like_its_icd10(
    bundled_client: TestClient, written: str
) -> None:
    may, june = (
        priced(bundled_client, written, "2024-05-20"),
        priced(bundled_client, written, "2024-06-03"),
    )
    assert (may["status"], may["disease"]) == ("priced", "I10")
    assert (june["status"], june["reason"]) == ("rejected", "ineligible_disease")


def test_icd10_with_a_dot_is_the_same_code(bundled_client: TestClient) -> None:
    line = priced(bundled_client, "J06.9", "2024-06-03")
    assert line["disease"] == "J069"


def test_an_unknown_disease_is_refused_in_words(bundled_client: TestClient) -> None:
    claim = {
        "id": "x",
        "lines": [{"code": "112007410", "date": "2024-06-03", "disease": "1234567"}],
    }
    refused = bundled_client.post("/claims/price", json=claim)
    assert refused.status_code == 422
    (error,) = refused.json()["detail"]
    assert error["loc"][-2:] == [0, "disease"]
    assert "傷病名コード 1234567 is not in the 傷病名マスター" in error["msg"]
    assert "pattern" not in error["msg"]


@pytest.mark.parametrize(
    ("line", "field", "words"),
    [
        ({"code": "初診料"}, "code", "is not a 9-digit レセ電 code (111000110)"),
        ({"quantity": "x"}, "quantity", "'x' is not a whole number (e.g. 1)"),
        ({"quantity": 0}, "quantity", "0 is below the least allowed: 1"),
        ({"dose": "abc"}, "dose", "'abc' is not a number (e.g. 2.5)"),
        ({"date": "2024-02-30"}, "date", "'2024-02-30' is not a date: use"),
    ],
)
def test_a_refused_field_is_said_in_words_not_a_validators_text(
    bundled_client: TestClient, line: dict[str, object], field: str, words: str
) -> None:
    claim = {"id": "x", "lines": [{"code": "111000110", "date": "2024-06-03", **line}]}
    refused = bundled_client.post("/claims/price", json=claim)
    assert refused.status_code == 422
    (error,) = refused.json()["detail"]
    assert error["loc"] == ["body", "lines", 0, field]
    assert words in error["msg"]
    assert error["type"]  # pydantic's stable code stays
    assert "should" not in error["msg"]
    assert "^" not in refused.text
