"""The Django app the Django worker measures: one model with an ImageSpecField, one for
``generateimages``. Written against django-imagekit's documented API only."""
