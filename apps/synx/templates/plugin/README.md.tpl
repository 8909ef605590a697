# {{name}}

A [synx](https://www.npmjs.com/package/synx) format plugin: `synx export --format {{id}}` writes
one JSON file per image, `labels/<image>.json`, with the image's boxes and polygons:

```json
{
  "image": "0001.jpg",
  "width": 640,
  "height": 480,
  "objects": [{ "class": "cat", "type": "box", "x": 10, "y": 20, "width": 30, "height": 40 }]
}
```

Options: `--option indent=4` (spaces, default 2), `--option pretty=false` (one line per file).

## Build and test

```sh
npm install
npm test        # the synx conformance suite (@synx/format-testkit)
npm run build   # compiles src/ to dist/
```

## Use it with synx

```sh
synx plugins link .          # a linked plugin takes precedence over an installed one
synx formats list            # shows {{id}}
synx export --from ./some_export --format {{id}} --output ./out
```

## Publish

```sh
npm publish                  # runs the tests and the build first (prepublishOnly)
synx plugins install {{name}}
```

The `"synx"` key of `package.json` tells synx which formats this package has without running
its code; `"oclif": {}` makes it installable with `synx plugins install`. See synx's
`docs/plugin-authoring.md` for the rules the host checks.
