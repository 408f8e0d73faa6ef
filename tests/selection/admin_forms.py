"""What a browser posts back from an admin change page."""

import datetime as dt


def change_form_data(page) -> dict:
    """The object's fields and every inline formset as shown (management forms
    included): a POST of it changes nothing; tests edit it first."""
    data = {}

    def put(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if isinstance(value, dt.date):
                value = value.isoformat()
            data[form.add_prefix(name)] = value

    put(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        put(formset.management_form)
        for form in formset.initial_forms:
            put(form)
    return data
