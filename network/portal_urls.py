"""Routes this app adds to /portal/ (namespace "portal"; prefix names with the app)."""

urlpatterns: list = []
