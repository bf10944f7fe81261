from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy

from onewindow.core.choices import choice_label, choice_labels


class Colour(models.TextChoices):
    RED = "red", "Red"
    GREEN = "green", "Green"


def test_labels_of_members_and_old_values_unchanged():
    assert choice_labels(Colour) == {"red": "Red", "green": "Green"}
    assert choice_label(Colour, "green") == "Green"
    assert choice_label(Colour, "blue") == "blue"  # no longer a member: shown as stored, never an error
    assert choice_label(Colour, 3) == 3


class Answer(models.TextChoices):
    YES = "yes", gettext_lazy("Yes")


def test_labels_are_translated_when_shown():
    with translation.override("zh-hans"):
        assert choice_labels(Answer) == {"yes": "是"} and choice_label(Answer, "yes") == "是"
