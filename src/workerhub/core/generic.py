"""Generic list / detail / edit / export views, written once and declared per model (STYLE, NetBox).

Every view starts from ``Model.objects.restrict(user, action)``: an out-of-scope record is a 404,
exactly like a missing one. Apps declare columns, filters, search and sort keys; they write a
custom view only for a workflow.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from . import audit, scope
from .excel import write_xlsx
from .models import AuditEntry, Region
from .paging import ScopePaginator
from .selectors import history


@dataclass
class Column:
    """A list/export column: ``value`` is an attribute path (``employer.name``) or a callable(obj)."""

    label: Any
    value: Any
    sort: str | None = None
    link: bool = False

    def get(self, obj):
        if callable(self.value):
            return self.value(obj)
        for part in self.value.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                return ""
            if callable(obj) and part.startswith("get_"):
                obj = obj()
        return obj


class FilterForm(forms.Form):
    """A list filter: ``lookups`` maps a field to the ORM lookup it filters on; ``region`` is special."""

    lookups: dict[str, str] = {}

    def __init__(self, data=None, *, user=None, **kwargs):
        super().__init__(data, label_suffix="", **kwargs)
        self.user = user
        if "region" in self.fields:
            self.fields["region"].choices = [("", _("全部地区"))] + region_choices(user)

    def apply(self, qs):
        if not self.is_valid():
            return qs
        for name, value in self.cleaned_data.items():
            if value in (None, "", []):
                continue
            if name == "region":
                qs = qs.in_region(value)
            elif name in self.lookups:
                qs = qs.filter(**{self.lookups[name]: value})
        return qs


def region_choices(user, depth: int = 2) -> list[tuple[str, str]]:
    """Regions a user may filter by: their own regions and the levels below (names indented)."""
    if user is None or not user.is_authenticated:
        return []
    prefixes = sorted({b.organisation.region.prefix for b in user.bindings()}) if not user.is_superuser else [""]
    q = Q()
    for p in prefixes:
        q |= Q(code__startswith=p)
    regions = Region.objects.filter(q, valid_to__isnull=True)
    if prefixes == [""]:
        regions = regions.filter(Q(code__startswith="33") | Q(level="province"))
    indent = {"province": "", "prefecture": "  ", "county": "    ", "town": "      "}
    return [(r.code, indent.get(r.level, "") + r.name) for r in regions.order_by("code")[:400]]


class ScopedMixin(LoginRequiredMixin):
    model = None
    action = "view"

    def get_queryset(self):
        return self.model.objects.restrict(self.request.user, self.action)

    def may(self, action):
        return scope.may(self.request.user, action, self.model)


class ObjectListView(ScopedMixin, TemplateView):
    template_name = "core/object_list.html"
    columns: list[Column] = []
    filter_form = None
    search_fields: tuple[str, ...] = ()
    default_sort = None
    select_related: tuple[str, ...] = ()
    title = ""
    create_url = None
    export_url = None
    import_url = None
    extra_actions: list[tuple[str, str]] = []

    def search(self, qs, term):
        q = Q()
        for name in self.search_fields:
            q |= Q(**{f"{name}__icontains": term})
        return qs.filter(q)

    def filtered(self):
        qs = self.get_queryset()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        self.form = self.filter_form(self.request.GET or None, user=self.request.user) if self.filter_form else None
        if self.form is not None:
            qs = self.form.apply(qs)
        term = self.request.GET.get("q", "").strip()[:100]
        if term:
            qs = self.search(qs, term)
        sorts = {c.sort: c.sort for c in self.columns if c.sort}
        sort = self.request.GET.get("sort", "")
        if sort.lstrip("-") in sorts:
            qs = qs.order_by(sort, "pk")
        elif self.default_sort:
            qs = qs.order_by(*self.default_sort)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qs = self.filtered()
        try:
            size = min(200, max(10, int(self.request.GET.get("page_size", 50))))
        except ValueError:
            size = 50
        page = ScopePaginator(qs, size).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        sort_query = query.copy()
        sort_query.pop("sort", None)
        ctx.update(
            title=self.title or self.model._meta.verbose_name_plural,
            page=page,
            rows=[(obj, [c.get(obj) for c in self.columns]) for obj in page.object_list],
            columns=self.columns,
            form=self.form,
            q=self.request.GET.get("q", ""),
            sort=self.request.GET.get("sort", ""),
            query=query.urlencode(),
            sort_query=sort_query.urlencode(),
            create_url=self.create_url if self.create_url and self.may("add") else None,
            export_url=self.export_url if self.export_url and self.may("export") else None,
            import_url=self.import_url if self.import_url and self.may("add") else None,
            extra_actions=self.extra_actions,
        )
        return ctx

    def fragment(self) -> bool:
        return bool(self.request.headers.get("HX-Request")) and self.request.headers.get("HX-Target") == "results"

    def get_template_names(self):
        return ["core/object_list.html#results"] if self.fragment() else [self.template_name]

    def render_to_response(self, context, **kwargs):
        context["fragment"] = self.fragment()
        response = super().render_to_response(context, **kwargs)
        # The same URL serves a whole page or the HTMX fragment: caches (and the Back button) must not mix them.
        patch_vary_headers(response, ["HX-Request", "HX-Target"])
        return response


class ObjectExportView(ObjectListView):
    """The list's rows, with the same filters, as .xlsx; audited."""

    action = "export"
    export_columns: list[Column] | None = None
    filename = "export"

    def get(self, request, *args, **kwargs):
        qs = self.filtered()
        columns = self.export_columns or self.columns
        rows = ([_plain(c.get(obj)) for c in columns] for obj in qs.iterator(chunk_size=2000))
        out = write_xlsx([str(c.label) for c in columns], rows, sheet=str(self.model._meta.verbose_name_plural))
        audit.record(AuditEntry.Action.EXPORT, actor=request.user, object_type=self.model._meta.label_lower,
                     object_repr=f"{self.model._meta.verbose_name_plural} {request.GET.urlencode()}"[:200],
                     region_id=_first_region(request.user), changes={"filters": dict(request.GET.lists())})
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return FileResponse(out, as_attachment=True, filename=f"{self.filename}-{stamp}.xlsx")


def _plain(value):
    if hasattr(value, "_meta"):
        return str(value)
    return value


def _first_region(user):
    bindings = user.bindings() if hasattr(user, "bindings") else []
    return bindings[0].organisation.region_id if bindings else None


class ObjectDetailView(ScopedMixin, TemplateView):
    template_name = "core/object_detail.html"
    fields: list[Column] = []
    select_related: tuple[str, ...] = ()
    edit_url_name = None

    def get_object(self):
        try:
            qs = self.get_queryset()
            return (qs.select_related(*self.select_related) if self.select_related else qs).get(pk=self.kwargs["pk"])
        except (self.model.DoesNotExist, ValueError) as exc:
            raise Http404 from exc

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj = self.object = self.get_object()
        can_edit = self.model.objects.restrict(self.request.user, "change").filter(pk=obj.pk).exists()
        ctx.update(
            object=obj,
            title=str(obj),
            fields=[(c.label, c.get(obj)) for c in self.fields],
            history=history(obj),
            edit_url=reverse(self.edit_url_name, args=[obj.pk]) if self.edit_url_name and can_edit else None,
            verbose_name=self.model._meta.verbose_name,
        )
        return ctx


class ObjectEditView(ScopedMixin, TemplateView):
    """Create (no pk) or edit (pk) through a form whose ``save(actor=…)`` calls the app's service."""

    template_name = "core/object_form.html"
    form_class = None
    success_url_name = None

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        try:
            return self.model.objects.restrict(self.request.user, "change").get(pk=self.kwargs["pk"])
        except (self.model.DoesNotExist, ValueError) as exc:
            raise Http404 from exc

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and "pk" not in kwargs and not self.may("add"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return self.render_to_response(self.context(self.form_class(instance=obj, user=request.user), obj))

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        form = self.form_class(request.POST, instance=obj, user=request.user)
        if form.is_valid():
            saved = form.save(actor=request.user)
            if saved is not None:
                return redirect(self.success_url_name, pk=saved.pk)
        return self.render_to_response(self.context(form, obj), status=400 if request.method == "POST" else 200)

    def context(self, form, obj):
        meta = self.model._meta
        return {"form": form, "object": obj,
                "title": (_("编辑") + " " + str(obj)) if obj else (_("新建") + meta.verbose_name)}
