"""Reading the public pages as a reader does."""


def page(client, record):
    """The HTML of a record's page, which must answer 200."""
    response = client.get(record.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()
