from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the demo data set (SPEC §1.9). Idempotent: running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=5000)
        parser.add_argument("--enterprises", type=int, default=300)
        parser.add_argument("--scale", type=float, default=1.0,
                            help="fraction of the seed's volumes the apps generate (tests use 0.01)")

    def handle(self, workers, enterprises, scale, **options):
        from workerhub.core import demo

        demo.build(workers=workers, enterprises=enterprises, stdout=self.stdout)
        # Each domain app may ship a ``demo`` module with ``build(stdout=)``; run them in app order.
        for config in apps.get_app_configs():
            if config.name.startswith("workerhub.") and config.label != "core":
                try:
                    module = import_module(f"{config.name}.demo")
                except ModuleNotFoundError:
                    continue
                module.build(stdout=self.stdout, scale=scale)
        demo.print_logins(self.stdout.write)
