// tfjs-core's Node bundle registers no gradient functions (the union package does it, and its deep
// `dist/register_all_gradients` import fails under Node ESM); the tfjs-layers Node bundle registers
// them all when loaded, so importing it for its side effect is what makes `tf.variableGrads` work.
import '@tensorflow/tfjs-layers'
