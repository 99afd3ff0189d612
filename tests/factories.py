import factory

from accounts.models import User

PASSWORD = "a quiet room 42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"writer{n}@example.org")
    time_zone = "Europe/London"
    country = "GB"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create: bool, extracted: object, **kwargs: object) -> None:
        # allauth requires a verified address to log in (verification is mandatory).
        from allauth.account.models import EmailAddress

        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=extracted is not False, primary=True)
