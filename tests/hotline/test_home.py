from django.test import Client


def test_it_shows_thai_by_default(db):
    response = Client().get("/")
    assert response.status_code == 200
    assert response["Content-Language"] == "th"
    assert '<html lang="th">' in response.content.decode()
