// Public surface of @synx/split.
export {
  SPLIT_NAMES,
  describeRatios,
  parseSplitRatios,
  type SplitName,
  type SplitRatios,
} from './spec.js';
export { hashSplit, pickByRatios, unitHash } from './hash.js';
export { balancedHashSplit, SMALL_SPLIT_ITEMS, splitQuotas, type HashedUnit } from './balance.js';
export {
  deviationFloor,
  SplitStatsCollector,
  splitStats,
  type ClassSplitCounts,
  type SplitStats,
} from './stats.js';
export { StratifiedSplitter, type StratifiedAssignment } from './stratify.js';
