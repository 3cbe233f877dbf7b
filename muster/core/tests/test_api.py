import json


def test_openapi_document_and_docs_page(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "Muster API"
    assert "/api/v1/people" in spec["paths"] and "/api/v1/regions/{code}" in spec["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_people_api_pages_and_filters(world, login):
    client = login(world.street_coordinator)
    page1 = client.get("/api/v1/people?limit=1").json()
    assert len(page1["items"]) == 1 and page1["next_offset"] == 1
    page2 = client.get("/api/v1/people?limit=1&offset=1").json()
    assert page2["next_offset"] is None
    assert {page1["items"][0]["name"], page2["items"][0]["name"]} == {"张秀英", "李建国"}
    only = client.get(f"/api/v1/people?region={world.puanli.code}").json()["items"]
    assert [p["name"] for p in only] == ["张秀英"] and only[0]["id_masked"] == "110105***********X"


def test_create_person_through_api_validates(world, login):
    client = login(world.coordinator)
    bad = client.post("/api/v1/people", json.dumps({"name": "", "community": "123"}), content_type="application/json")
    assert bad.status_code == 422
    body = bad.json()
    assert body["type"] == "invalid" and body["status"] == 422
    assert {e["field"] for e in body["errors"]} == {"body.name", "body.community"}
    wrong_id = client.post("/api/v1/people", json.dumps({"name": "赵", "community": world.puanli.code, "id_number": "110105194912310021"}),
                           content_type="application/json")
    assert wrong_id.status_code == 422 and wrong_id.json()["field"] == "id_number"
    ok = client.post("/api/v1/people", json.dumps({"name": "赵", "community": world.puanli.code, "skills": ["car"]}),
                     content_type="application/json")
    assert ok.status_code == 201 and ok.json()["skills"] == ["car"]
    foreign = client.post("/api/v1/people", json.dumps({"name": "赵", "community": world.bajiao.code}), content_type="application/json")
    assert foreign.status_code == 404


def test_bad_query_parameters_are_422_not_500(world, login):
    client = login(world.coordinator)
    assert client.get("/api/v1/people?limit=abc").status_code == 422
    assert client.get("/api/v1/sites?kind=spaceport").status_code == 422
    assert client.get("/api/v1/people/999999").status_code == 404
