"""The HTTP API (Django REST framework): serializers, views and routes only, no business rules."""
