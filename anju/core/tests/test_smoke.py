def test_home_shows_role_and_jurisdiction(client_for):
    response = client_for("officer_a").get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "甲镇" in text
    assert "待受理" in text  # the work queue: the cast's dispute waits in village A1, inside township A
