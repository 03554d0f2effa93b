from django.apps import AppConfig


class ProcessConfig(AppConfig):
    name = "minga.process"
    verbose_name = "The Quito Process"

    def ready(self):
        # Imported here: the workflow reads the models, which are ready only now.
        from minga.accounts import workflows
        from minga.process.workflow import ROADMAP_WORKFLOW

        workflows.register(ROADMAP_WORKFLOW)
