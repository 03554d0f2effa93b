"""Who imports IATI activities: the secretariat only; everyone sees what was imported (it is published data)."""

import io

import pytest
from django.core.exceptions import PermissionDenied

from minga.accounts import permissions
from minga.exchange.iati import importer
from minga.exchange.models import IatiActivity

pytestmark = pytest.mark.django_db

FILE = b"""<iati-activities version="2.03"><iati-activity default-currency="USD">
<iati-identifier>XM-ACCESS-1</iati-identifier><reporting-org ref="XM-DAC-7" type="10"><narrative>D</narrative>
</reporting-org><title><narrative>T</narrative></title></iati-activity></iati-activities>"""


@pytest.mark.parametrize("role", ["donor_can", "focal_col", "local_cucuta", "observer"])
def test_only_the_secretariat_imports_and_every_role_sees_the_activities(users, role):
    with pytest.raises(PermissionDenied):
        importer.import_source(io.BytesIO(FILE), name="f.xml", user=users[role])
    assert not IatiActivity.objects.exists()
    report = importer.import_source(io.BytesIO(FILE), name="f.xml", user=users["secretariat"])
    assert report.counts["created"] == 1
    activity = IatiActivity.objects.get()
    assert activity.history.get().history_user == users["secretariat"]
    assert permissions.visible(users[role], IatiActivity.objects.all()).get() == activity
    assert permissions.visible(None, IatiActivity.objects.all()).get() == activity
    assert not permissions.can(users[role], permissions.Action.CHANGE, activity)
    assert permissions.can(users["secretariat"], permissions.Action.CHANGE, activity)
