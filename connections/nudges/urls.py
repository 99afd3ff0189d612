app_name = "nudges"
urlpatterns: list = []
