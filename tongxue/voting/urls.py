"""Voting pages, mounted at /vote/ (ELE-5)."""

from __future__ import annotations

from django.urls import path

from tongxue.voting import views

app_name = "voting"
urlpatterns = [
    path("<str:code>/", views.ballot, name="ballot"),
    path("<str:code>/cast/", views.cast, name="cast"),
    path("<str:code>/manage/", views.manage, name="manage"),
    path("<str:code>/manage/turnout/", views.turnout, name="turnout"),
    path("<str:code>/manage/open/", views.open_view, name="open"),
    path("<str:code>/manage/close/", views.close_view, name="close"),
    path("<str:code>/manage/count/", views.count_view, name="count"),
    path("<str:code>/manage/scrutineers/", views.scrutineers_view, name="scrutineers"),
    path("<str:code>/paper/", views.paper, name="paper"),
    path("<str:code>/board/", views.board, name="board"),
    path("<str:code>/board.csv", views.board_csv, name="board-csv"),
]
