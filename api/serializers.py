"""Serializer building blocks shared by the apps."""

import re

from django.db import models
from rest_framework import serializers
from rest_framework.utils import html

# The largest id a bigint column holds; no stored record has a greater one.
MAX_ID = 2**63 - 1
# The one way an id is written: ASCII digits, no sign, no leading zero (URLs use the same rule).
CANONICAL_ID = re.compile(r"[1-9][0-9]{0,18}")


class StrictCharField(serializers.CharField):
    """Text must arrive as a JSON string: a number or boolean is a wrong type (400), not
    quietly turned into text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictURLField(serializers.URLField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """A related record named by its id: a JSON integer from 1 up, or (from a form) the same
    digits as text. Floats (``1e999999``, ``1.5``), booleans, signs, leading zeros, spaces and
    non-ASCII digits are refused as a wrong type before any lookup, so an overflowing number is
    a 400 naming the field rather than an ``OverflowError``, and ``true`` or ``1.0`` never
    silently mean record 1."""

    default_error_messages = {
        **serializers.PrimaryKeyRelatedField.default_error_messages,
        "incorrect_type": "Give the id as a whole number from 1 up, without sign, leading zero or spaces "
        "(got {data_type}).",
    }

    def to_internal_value(self, data):
        if isinstance(data, str) and CANONICAL_ID.fullmatch(data):
            data = int(data)
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= data <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class ChoiceField(serializers.ChoiceField):
    """A choice, read from a form as from JSON: an empty value sent is refused (400 naming the
    field, "\"\" is not a valid choice."), as the schema's enum says.

    DRF reads an empty form field of an optional field as not sent, so an empty choice with a
    default would quietly take the default (a 201 for input the schema calls invalid). Here an
    empty value is a value; leaving the field out still gives the default. A choice field that
    takes blank or null keeps DRF's reading (an empty select is that blank or null)."""

    def get_value(self, dictionary):
        if (
            html.is_html_input(dictionary)
            and dictionary.get(self.field_name) == ""
            and not self.allow_blank
            and not self.allow_null
        ):
            return ""
        return super().get_value(dictionary)


# The project's model serializer: strict text and ids, and choices read alike from forms and
# JSON (ChoiceField). No docstring: the schema would take it as every serializer's description.
class ModelSerializer(serializers.ModelSerializer):
    serializer_related_field = IdRelatedField
    serializer_choice_field = ChoiceField
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.URLField: StrictURLField,
    }

    def build_standard_field(self, field_name, model_field):
        """DRF's field, and for a choice with a default, that default as the initial value: the
        browsable API's form shows it chosen (an empty choice sent is refused, see
        ``ChoiceField``)."""
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if issubclass(field_class, serializers.ChoiceField) and model_field.has_default():
            field_kwargs["initial"] = model_field.get_default()
        return field_class, field_kwargs
