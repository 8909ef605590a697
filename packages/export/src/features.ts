import type { AnnotationFeature } from '@synx/plugin-api';
import type { Annotation, GroupMember, Media } from '@synx/model';

function collectMembers(members: readonly GroupMember[], out: Set<string>): void {
  for (const m of members) {
    out.add(m.annotationId);
    collectMembers(m.children, out);
  }
}

/** Ids of every annotation that is a member (at any depth) of a group in this media. */
export function groupedIds(media: Media): Set<string> {
  const ids = new Set<string>();
  for (const a of media.annotations) {
    if (a.kind === 'group') {
      collectMembers(a.members, ids);
    }
  }
  return ids;
}

/** The plan feature of an annotation: its kind, or `rotated-bbox` / `ungrouped-keypoint`. */
export function featureOf(a: Annotation, grouped: ReadonlySet<string>): AnnotationFeature {
  if (a.kind === 'bbox' && a.rotation !== undefined && a.rotation !== 0) {
    return 'rotated-bbox';
  }
  if (a.kind === 'keypoint' && !grouped.has(a.id)) {
    return 'ungrouped-keypoint';
  }
  return a.kind;
}
