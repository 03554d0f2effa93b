from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError

from minga.accounts.models import Role, User
from minga.accounts.services import role_grant
from minga.reference.models import Country, Organisation


class Command(BaseCommand):
    help = ("Give a user a role, scoped as the role requires: "
            "minga grant_role USERNAME country_focal_point --country COL; "
            "minga grant_role USERNAME donor_officer --organisation ID. Run by the platform's operator.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=[role.value for role in Role])
        parser.add_argument("--country", help="ISO 3166-1 alpha-3 code, for a country focal point")
        parser.add_argument("--organisation", type=int, help="organisation id, for local-government and donor officers")

    def handle(self, *args, username, role, country, organisation, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        country_record = organisation_record = None
        if country:
            country_record = Country.objects.filter(iso3=country.upper()).first()
            if country_record is None:
                raise CommandError(f"Unknown country code {country!r}: give an ISO 3166-1 alpha-3 code such as COL.")
        if organisation is not None:
            organisation_record = Organisation.objects.filter(pk=organisation).first()
            if organisation_record is None:
                raise CommandError(f"No organisation with id {organisation}.")
        try:
            grant = role_grant(user=user, role=Role(role), granted_by=None,
                               country=country_record, organisation=organisation_record)
        except ValidationError as error:
            problems = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
            raise CommandError(f"Not granted: {problems}") from None
        self.stdout.write(f"{user.username}: {grant}")
