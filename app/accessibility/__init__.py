"""The accessibility statement (EU Web Accessibility Directive 2016/2102): a public page made
from what CI's axe-core run measured (``measured.json``), with a contact for feedback."""
