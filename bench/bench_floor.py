"""Sanity: the floor against itself. A ratio near 1.0 both ways shows the harness measures fairly.

If these rows drift far from 1.0, the machine was busy with something else during the run and every
other ratio in the table deserves suspicion too.
"""

from bench.harness import BenchContext, Comparison, Result


def run(ctx: BenchContext, quick: bool) -> list[Result]:
    writer = ctx.create_writer()
    cookie = ctx.session_cookie(writer)
    # A query string keeps the two sides apart in the figures while serving exactly the same view.
    comparison = ctx.compare("/bench/floor/?side=b", cookie=cookie)
    reversed_comparison = Comparison(target=comparison.floor, floor=comparison.target)
    # Two measurements of one thing on a shared 2-core box still wobble: 0.8 both ways catches a
    # harness that favours one side, not ordinary noise.
    return [
        Result.throughput("floor vs floor", comparison, at_least=0.8),
        Result.throughput("floor vs floor, reversed", reversed_comparison, at_least=0.8),
    ]
