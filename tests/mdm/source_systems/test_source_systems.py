from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import make_system


def test_registered_system_is_listed_with_its_domains(client: TestClient) -> None:
    make_system(client, "erp", sends=["supplier", "item"], receives=["provider"])

    listed = client.get("/api/v1/source-systems").json()

    assert [(s["code"], s["sends"], s["receives"]) for s in listed] == [
        ("erp", ["item", "supplier"], ["provider"])
    ]


def test_duplicate_code_is_a_conflict(client: TestClient) -> None:
    make_system(client, "erp")

    response = client.post("/api/v1/source-systems", json={"code": "erp", "name": "Again"})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "source_system_exists"


def test_unknown_domain_is_refused_naming_the_field(client: TestClient) -> None:
    response = client.post(
        "/api/v1/source-systems",
        json={"code": "pm", "name": "PM", "sends": ["provider", "widgets"]},
    )

    assert response.status_code == 422
    [field] = response.json()["error"]["fields"]
    assert field["field"] == "sends"
    assert "widgets" in field["reason"]


def test_bad_code_is_refused(client: TestClient) -> None:
    response = client.post("/api/v1/source-systems", json={"code": "Has Spaces", "name": "x"})

    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "code"


def test_update_changes_domains(client: TestClient) -> None:
    make_system(client, "billing", sends=["payer"], receives=[])

    response = client.patch("/api/v1/source-systems/billing", json={"sends": ["payer", "provider"]})

    assert response.status_code == 200
    assert response.json()["sends"] == ["payer", "provider"]


def test_unknown_system_is_404(client: TestClient) -> None:
    response = client.get("/api/v1/source-systems/nope")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_source_system"
