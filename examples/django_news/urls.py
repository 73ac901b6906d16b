from __future__ import annotations

from django.urls import path

from django_news import views

urlpatterns = [
    path("", views.home),
    path("a/<slug:slug>/<int:article_id>.html", views.article),
]
