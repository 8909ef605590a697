import type { ExportManifest } from '@synx/export';
import type { ReportManifest, ReportSummary } from '@synx/report';
import { describe, expectTypeOf, it } from 'vitest';

describe('the report reads the export manifest', () => {
  it('takes an ExportManifest as its summary and as the manifest `synx report` reads', () => {
    expectTypeOf<ExportManifest>().toExtend<ReportSummary>();
    expectTypeOf<ExportManifest>().toExtend<ReportManifest>();
  });
});
