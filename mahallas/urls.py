

app_name = "mahallas"
urlpatterns: list = []
