import factory

from cases.models import CaseKind, Category
from core.models import Organisation, OrganisationType, Role, User

PASSWORD = "correct horse battery staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"ORG{n:05d}")
    name_th = factory.Sequence(lambda n: f"เทศบาลทดสอบ {n}")
    name_en = factory.Sequence(lambda n: f"Test Municipality {n}")
    type = OrganisationType.MUNICIPALITY
    headcount = 100


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    kind = CaseKind.REPORT
    code = factory.Sequence(lambda n: f"category-{n}")
    label_th = factory.Sequence(lambda n: f"หมวด {n}")
    label_en = factory.Sequence(lambda n: f"Category {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    role = Role.COUNSELOR
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()
