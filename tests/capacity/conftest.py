import pytest

from minga.accounts.models import Role, User
from minga.accounts.services import role_grant
from minga.reference.models import Organisation


@pytest.fixture
def tulcan_officer(db) -> User:
    """A local-government officer of Tulcán (Ecuador): another municipality than the demo's Cúcuta."""
    user = User.objects.create_user(username="tulcan", password="minga-test-2026")
    role_grant(user=user, role=Role.LOCAL_GOVERNMENT_OFFICER, granted_by=None,
               organisation=Organisation.objects.get(load_key="organisation:demo-tulcan"))
    return user
