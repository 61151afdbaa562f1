"""Fixtures shared by the archive tests."""

import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def editor(db):
    """A superuser who edits through the admin."""
    return get_user_model().objects.create_superuser("editor", "", "a-long-test-password")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
