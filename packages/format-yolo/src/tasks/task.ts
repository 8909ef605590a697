import type { Annotation, Issue, PolygonAnnotation } from '@synx/model';
import type { FormatDescription, MessageData, ObjectScope } from '@synx/plugin-api';
import type { Normaliser } from '../geometry.js';
import type { YoloConversion, YoloMessageId } from '../messages.js';
import type { YoloOptions } from '../options.js';

/** What an encoder knows besides its object: the image, the options, the keypoint order. */
export interface ImageContext {
  readonly width: number;
  readonly height: number;
  /** Normalises this image's coordinates; `clamped` says whether the object was clamped. */
  readonly norm: Normaliser;
  readonly options: YoloOptions;
  /** Index of each configured keypoint class (pose). */
  readonly keypointIndex: ReadonlyMap<string, number>;
  /** The number of configured keypoints (pose rows have one slot per keypoint). */
  readonly keypointCount: number;
  readonly report: (issue: Issue) => void;
}

/** A part of the object a label line is drawn from: written as it is, or converted. */
export interface Use {
  readonly a: Annotation;
  readonly conversion?: YoloConversion;
  readonly data?: MessageData;
}

/** What a task drew of one object: the label line after the class id (if any), and its parts. */
export interface Drawing {
  readonly body: string | undefined;
  readonly uses: readonly Use[];
}

/** The treatments of a description. */
export type Treatments = FormatDescription<YoloMessageId>['kinds'];

/**
 * One YOLO task (the label kind of a whole export): its `describe()` treatments of geometry and
 * how it draws one object. Polylines, polygons with fewer than 3 vertices and crowd regions are
 * settled before `draw` is called; `draw` drops what it cannot use and returns what it used.
 */
export interface YoloTaskModule {
  treatments(options: YoloOptions): Treatments;
  draw(
    o: ObjectScope<YoloMessageId>,
    polygons: readonly PolygonAnnotation[],
    c: ImageContext,
  ): Drawing;
}
