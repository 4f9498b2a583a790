"""The benchmarks: which portal pages to load, as whom, and the targets from the issue."""

from bench.run import Load, benchmark


@benchmark(name="home", describe="the portal's home page, anonymous (the harness's own check)")
def home_loads():
    return [Load("home", "/")]


@benchmark(name="home-nginx", describe="the home page through nginx (docs/nginx-portal.conf)", via_nginx=True)
def home_nginx_loads():
    return [Load("home via nginx", "/")]
