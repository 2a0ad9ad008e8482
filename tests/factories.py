import factory
from django.contrib.auth.models import Group, User

from claims.models import Article, Citation, Claim
from core.roles import RESEARCHERS, REVIEWERS
from sources.identity import name_key
from sources.models import Publisher, Source

ARTICLE_BODY = (
    "The U.S. Central Command said Wednesday that the attack was almost certainly conducted by a "
    "militia group. The attack involved 21 rockets. Officials repeated that 21 rockets were fired."
)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs) -> None:
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))


class ResearcherFactory(UserFactory):
    roles = factory.PostGeneration(
        lambda user, create, extracted, **kw: user.groups.set(Group.objects.filter(name=RESEARCHERS))
    )


class ReviewerFactory(UserFactory):
    is_staff = True
    roles = factory.PostGeneration(
        lambda user, create, extracted, **kw: user.groups.set(Group.objects.filter(name=REVIEWERS))
    )


class PublisherFactory(factory.django.DjangoModelFactory[Publisher]):
    class Meta:
        model = Publisher

    name = factory.Sequence(lambda n: f"Publisher {n}")
    # As the service sets it (sources.identity).
    name_key = factory.LazyAttribute(lambda publisher: name_key(publisher.name))
    kind = Publisher.Kind.NEWS_MEDIA
    country = "US"


class SourceFactory(factory.django.DjangoModelFactory[Source]):
    class Meta:
        model = Source

    kind = Source.Kind.NEWS_REPORT
    title = factory.Sequence(lambda n: f"Report number {n}")
    publisher = factory.SubFactory(PublisherFactory)
    url = factory.Sequence(lambda n: f"https://news.example.org/report/{n}")
    language = "en"


class ArticleFactory(factory.django.DjangoModelFactory[Article]):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    url = factory.Sequence(lambda n: f"https://blog.example.org/article/{n}")
    byline = "A. Writer"
    language = "en"
    body = ARTICLE_BODY


class ClaimFactory(factory.django.DjangoModelFactory[Claim]):
    """A claim anchored on the first sentence-part of ``ARTICLE_BODY``."""

    class Meta:
        model = Claim

    article = factory.SubFactory(ArticleFactory)
    statement = "The attack was almost certainly conducted by a militia group."
    quote = "almost certainly conducted by a militia group"
    quote_start = factory.LazyAttribute(lambda o: o.article.body.index(o.quote))
    claimant = "U.S. Central Command"


class CitationFactory(factory.django.DjangoModelFactory[Citation]):
    class Meta:
        model = Citation

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    role = Citation.Role.ATTRIBUTION
    stance = Citation.Stance.SUPPORTS
