// Plain accesses (linux-kernel.cat's last section): when a plain access is bounded by marked
// ones, so that it is visible to or executes before a conflicting access; plain-coherence and
// the data-race flag follow from that.
//
// IW: pre-race never starts at an initial write (it is not Plain, and (M \ IW) * Plain leaves
// it out) and never ends at one (it is intersected with rf, co, fr or co? ; rf, none of which
// reaches IW), so the graph's lack of init events loses no pair here.
#include "memory_model/lkmm/model.hpp"

namespace hotcheck::memory_model::lkmm {

namespace {

struct Bounds {
    BitMatrix pre_race, ww_vis, wr_vis, rw_xbstar;
};

Bounds bounds(const Base& b, const Model& m) {
    const BitMatrix& fence = m.fence_with_rcu;
    const BitMatrix& strong_fence = m.strong_fence_with_rcu;
    // xbstar = (hb | pb | rb)*
    const BitMatrix xbstar = (m.hb | m.pb | m.rb).star();
    // vis = cumul-fence* ; rfe? ; [Marked] ;
    //       ((strong-fence ; [Marked] ; xbstar) | (xbstar & int))
    const BitMatrix vis = m.cumul_fence.star()
                              .then(b.rfe.reflexive())
                              .then(b.Marked)
                              .then(strong_fence.then(b.Marked).then(xbstar) | (xbstar & b.same_thread));

    const BitMatrix r4rmb = b.R.minus(b.Noreturn), returning = b.E.minus(b.Noreturn);
    // w-pre-bounded = [Marked] ; (addr | fence)?
    const BitMatrix w_pre_bounded = b.Marked.then((b.addr | fence).reflexive());
    // r-pre-bounded = [Marked] ; (addr | nonrw-fence | ([R4rmb] ; fencerel(Rmb) ; [~Noreturn]))?
    const BitMatrix r_pre_bounded =
        b.Marked.then((b.addr | m.nonrw_fence | r4rmb.then(b.fencerel(b.Rmb)).then(returning)).reflexive());
    // w-post-bounded = fence? ; [Marked] ; rmw-sequence
    const BitMatrix w_post_bounded = fence.reflexive().then(b.Marked).then(m.rmw_sequence);
    // r-post-bounded = (nonrw-fence | ([~Noreturn] ; fencerel(Rmb) ; [R4rmb]))? ; [Marked]
    const BitMatrix r_post_bounded =
        (m.nonrw_fence | returning.then(b.fencerel(b.Rmb)).then(r4rmb)).reflexive().then(b.Marked);

    Bounds out;
    // ww-vis = fence | (strong-fence ; xbstar ; w-pre-bounded) | (w-post-bounded ; vis ; w-pre-bounded)
    out.ww_vis = fence | strong_fence.then(xbstar).then(w_pre_bounded) |
                 w_post_bounded.then(vis).then(w_pre_bounded);
    // wr-vis: the same, ending r-pre-bounded
    out.wr_vis = fence | strong_fence.then(xbstar).then(r_pre_bounded) |
                 w_post_bounded.then(vis).then(r_pre_bounded);
    // rw-xbstar = fence | (r-post-bounded ; xbstar ; w-pre-bounded)
    out.rw_xbstar = fence | r_post_bounded.then(xbstar).then(w_pre_bounded);
    // pre-race = ext & ((Plain * M) | ((M \ IW) * Plain))
    out.pre_race = b.ext & (b.product(b.Plain, b.M) | b.product(b.M, b.Plain));
    return out;
}

}  // namespace

bool plain_coherent(const Base& b, const Model& m) {
    const Bounds x = bounds(b, m);
    // wr-incoh = pre-race & rf & rw-xbstar^-1, rw-incoh = pre-race & fr & wr-vis^-1,
    // ww-incoh = pre-race & co & ww-vis^-1
    const BitMatrix incoherent = (x.pre_race & b.rf & x.rw_xbstar.inverse()) |
                                 (x.pre_race & b.fr & x.wr_vis.inverse()) |
                                 (x.pre_race & b.co & x.ww_vis.inverse());
    return incoherent.empty();
}

namespace {
BitMatrix races(const Base& b, const Model& m) {
    const Bounds x = bounds(b, m);
    // ww-nonrace = ww-vis & ((Marked * W) | rw-xbstar) & ((W * Marked) | wr-vis)
    const BitMatrix ww_nonrace = x.ww_vis & (b.product(b.Marked, b.W) | x.rw_xbstar) &
                                 (b.product(b.W, b.Marked) | x.wr_vis);
    // ww-race = (pre-race & co) \ ww-nonrace
    const BitMatrix ww_race = (x.pre_race & b.co).minus(ww_nonrace);
    // wr-race = (pre-race & (co? ; rf)) \ wr-vis \ rw-xbstar^-1
    const BitMatrix wr_race =
        (x.pre_race & b.co.reflexive().then(b.rf)).minus(x.wr_vis).minus(x.rw_xbstar.inverse());
    // rw-race = (pre-race & fr) \ rw-xbstar
    const BitMatrix rw_race = (x.pre_race & b.fr).minus(x.rw_xbstar);
    return ww_race | wr_race | rw_race;
}
}  // namespace

bool data_race(const Base& b, const Model& m) { return !races(b, m).empty(); }

BitMatrix lifetime_order(const Base& b, const Model& m) {
    const Bounds x = bounds(b, m);
    return b.W.then(x.ww_vis | x.wr_vis) | b.R.then(x.rw_xbstar) | b.po;
}

std::optional<std::pair<std::uint32_t, std::uint32_t>> first_race(const Base& b, const Model& m) {
    const BitMatrix r = races(b, m);
    for (std::uint32_t x = 0; x < b.n; ++x)
        for (std::uint32_t y = 0; y < b.n; ++y)
            if (r.get(x, y)) return std::pair{x, y};
    return std::nullopt;
}

}  // namespace hotcheck::memory_model::lkmm
