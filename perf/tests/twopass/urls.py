from django.urls import path

from perf.tests.twopass import views

urlpatterns = [
    path("page/", views.Page.as_view(), name="page"),
    path("slow/", views.SlowPage.as_view()),
    path("missing/", views.MissingPage.as_view()),
    path("redirect/", views.RedirectingPage.as_view()),
    path("leaky/", views.LeakyTemplatePage.as_view()),
    path("user-in-view/", views.UserInViewPage.as_view()),
    path("session-in-view/", views.SessionInViewPage.as_view()),
    path("message-in-view/", views.MessageInViewPage.as_view()),
    path("csrf-in-view/", views.CsrfInViewPage.as_view()),
    path("cookie-in-view/", views.CookieInViewPage.as_view()),
    path("cookie-header-in-view/", views.CookieHeaderInViewPage.as_view()),
    path("sets-cookie/", views.SetsCookiePage.as_view()),
    path("add-message/", views.add_message),
    path("form/", views.post_form, name="form"),
    path("people/", views.PeoplePage.as_view()),
]
