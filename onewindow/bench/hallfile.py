"""The hall scenario for `make bench`, driven by locust: half the users are kiosks taking tickets through the
public API, half are window clerks pressing "call the next person" (each at a window of their own). Every
ticket called is written to the results file ("ticket id<TAB>window id") so the harness can check that no
ticket went to two windows and that no number was given twice.

The harness passes its set-up as JSON in the file named by BENCH_HALL_CONFIG; its "pace" is the seconds each
user waits between two requests, [shortest, longest] drawn uniformly (people: a kiosk serves one person at a
time, a clerk calls the next only after serving one), or null for none (saturation: the system's limit).
Paced users also start at a random point of their pace: people do not all press at the same instant, and a
burst of every user's first request at once set the p95 of a 30-second paced run by itself (20 of its ~290
tickets).
"""

import itertools
import json
import os
import random

import gevent
from locust import between, constant, task
from locust.contrib.fasthttp import FastHttpUser

CONFIG = json.loads(open(os.environ["BENCH_HALL_CONFIG"], encoding="utf-8").read())
_clerks = itertools.cycle(CONFIG["clerks"])
_results = open(CONFIG["results"], "a", encoding="utf-8", buffering=1)
_pace = between(*CONFIG["pace"]) if CONFIG.get("pace") else constant(0)


class _Person(FastHttpUser):
    abstract = True
    weight = 1
    wait_time = _pace

    def on_start(self):
        if CONFIG.get("pace"):
            gevent.sleep(random.uniform(0, CONFIG["pace"][1]))


class Kiosk(_Person):
    @task
    def take(self):
        with self.client.post(
            "/api/v1/hall/tickets",
            json={"business": CONFIG["business"], "hall": CONFIG["hall"]},
            name="take a ticket",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {(response.text or '')[:200]}")


class Clerk(_Person):
    def on_start(self):
        self.window, token = next(_clerks)
        self.headers = {"Authorization": f"Bearer {token}"}
        super().on_start()

    @task
    def call_next(self):
        with self.client.post(
            f"/api/v1/hall/windows/{self.window}/call",
            headers=self.headers,
            name="call the next person",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                _results.write(f"{response.json()['id']}\t{self.window}\n")
            elif response.status_code == 404 and response.json().get("code") == "nobody_waiting":
                response.success()  # an empty queue is an answer, not an error
            else:
                response.failure(f"{response.status_code}: {(response.text or '')[:200]}")
