from django.urls import include, path


def broken(request):
    raise RuntimeError("secret detail")


urlpatterns = [path("kapot/", broken), path("", include("shell.urls"))]
