// Stands in for `sharp` in the bundles (esbuild.config.mjs). transformers.js requires it when it
// loads, for image models; RepoSage embeds and re-ranks text only, so the 19 MB of libvips it
// brings need not ship. Called anyway, it says why it is not there.
module.exports = function sharp() {
  throw new Error('RepoSage ships no image library: only text models are supported.');
};
