from onewindow.ratings.tests.fixtures import *  # noqa: F403
