/**
 * The one frame every screen is drawn in: a single-line border (console fonts have no rounded
 * corners), a title, the fitted body with its "12-20 of 48" indicator, and the key hints.
 */
import { Box, Text } from 'ink';
import { fitModel, type Layout, type Line, type ScreenModel } from './layout.js';
import { fitLine } from './wrap.js';
import { colorsEnabled, toneColor } from './theme.js';
import { Spinner } from './spinner.js';

function Row({ line }: { line: Line }) {
  const color = toneColor(line.tone);
  const inverse = line.selected === true && colorsEnabled();
  return (
    <Text {...(color ? { color } : {})} bold={line.bold === true} inverse={inverse}>
      {line.text === '' ? ' ' : line.text}
    </Text>
  );
}

export function Frame({ model, layout }: { model: ScreenModel; layout: Layout }) {
  const f = fitModel(model, layout);
  return (
    <Box flexDirection="column" width={layout.width} borderStyle="single" paddingX={1}>
      <Box>
        {model.busy ? (
          <Text>
            <Spinner />{' '}
          </Text>
        ) : null}
        <Text bold>{fitLine(model.title, layout.inner - (model.busy ? 2 : 0))}</Text>
      </Box>
      {f.top.map((l, i) => (
        <Row key={`t${i}`} line={l} />
      ))}
      {f.body.map((l, i) => (
        <Row key={`b${i}`} line={l} />
      ))}
      {f.indicator ? <Text {...(toneColor('dim') ? { color: toneColor('dim') } : {})}>{f.indicator}</Text> : null}
      {f.bottom.map((l, i) => (
        <Row key={`m${i}`} line={l} />
      ))}
      <Text>{'─'.repeat(layout.inner)}</Text>
      {f.hints.map((h, i) => (
        <Text key={`h${i}`}>{h}</Text>
      ))}
    </Box>
  );
}
