"""Routes this app adds to /donors/ (namespace "donors")."""

urlpatterns: list = []
