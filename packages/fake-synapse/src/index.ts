// Public surface of @synx/fake-synapse.
export {
  startFakeSynapse,
  type FakeSynapse,
  type FakeSynapseOptions,
  type RequestLogEntry,
} from './server.js';
export {
  FaultEngine,
  ROUTES,
  type FaultConfig,
  type FaultDecision,
  type FaultSpec,
  type RouteName,
} from './faults.js';
export {
  FakeCatalog,
  cursorPage,
  decodeCursor,
  encodeCursor,
  type Cursor,
  type FakeGtDataset,
  type FakeGtVersion,
  type FakeProjectRecord,
} from './catalog.js';
export { FakeDataset, type FakeSidecar, type FakeUnit, type MediaFacts } from './dataset.js';
export {
  VOC_CLASSES,
  parseVocXml,
  placeholderImage,
  realFixture,
  sharedFixture,
  writeFolderFromCoco,
  writeFolderFromVoc,
  type CocoFixtureOptions,
  type FixtureMedia,
  type FixtureSummary,
  type VocFile,
  type VocFixtureOptions,
  type VocObject,
} from './fixtures.js';
export { main as fakeSynapseMain } from './cli.js';
export { mulberry32, writeSyntheticFolder, type SyntheticOptions } from './synthetic.js';

/** The seeded hash behind fault decisions (from `@synx/model`). */
export { hash32 } from '@synx/model';
export {
  startForwardProxy,
  type ForwardProxy,
  type ForwardProxyOptions,
  type ProxyLogEntry,
} from './proxy.js';
