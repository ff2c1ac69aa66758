/**
 * bench/curves.md and bench/curves.png: how each scenario's time and peak
 * memory grow from small to medium to large: each scenario's latest
 * measurement at each size in bench/results. The chart is a Vega-Lite spec rendered to SVG
 * by Vega and to PNG by resvg. `tsx bench/curves.ts` redraws them alone.
 */
import {readFile, readdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {Resvg} from '@resvg/resvg-js'
import * as vega from 'vega'
import {compile} from 'vega-lite'

import type {CurvePoint} from './context.js'

const SIZES = ['small', 'medium', 'large'] as const

interface Run {
  scale: (typeof SIZES)[number]
  date: string
  /** When the run ended (runs before this field was recorded sort by their date alone). */
  measuredAt?: string
  rows: number
  curve: CurvePoint[]
}

/** Each series' latest point at each size, from full runs and from runs of chosen scenarios (--only) alike. */
async function latestRuns(bench: string): Promise<Run[]> {
  const files = (await readdir(join(bench, 'results'))).filter(f => /^\d{4}-\d{2}-\d{2}-(small|medium|large)(-[a-z+-]+)?\.json$/.test(f))
  const all = await Promise.all(files.map(async f => JSON.parse(await readFile(join(bench, 'results', f), 'utf8')) as Run))
  const runs: Run[] = []
  for (const scale of SIZES) {
    const newestFirst = all.filter(r => r.scale === scale && r.curve?.length).sort((a, b) => (b.measuredAt ?? b.date).localeCompare(a.measuredAt ?? a.date))
    const series = [...new Set(newestFirst.flatMap(r => r.curve.map(p => p.series)))]
    if (series.length === 0) continue
    const points = series.map(name => newestFirst.find(r => r.curve.some(p => p.series === name))!)
    const dates = [...new Set(points.map(r => r.date))].sort()
    runs.push({
      scale,
      date: dates.length > 1 ? `${dates[0]} to ${dates.at(-1)}` : dates[0]!,
      rows: newestFirst[0]!.rows,
      curve: series.map((name, i) => points[i]!.curve.find(p => p.series === name)!),
    })
  }
  return runs
}

function table(runs: Run[]): string {
  const series = [...new Set(runs.flatMap(r => r.curve.map(p => p.series)))]
  const header = `| scenario | ${runs.map(r => `${r.scale} (${(r.rows / 1e6).toFixed(1)} M rows, ${r.date})`).join(' | ')} |`
  const cell = (run: Run, name: string) => {
    const point = run.curve.find(p => p.series === name)
    return point ? `${point.seconds.toFixed(2)} s, ${(point.rssBytes / 1048576).toFixed(0)} MB` : '—'
  }
  return [header, `|---|${runs.map(() => '---').join('|')}|`, ...series.map(name => `| ${name} | ${runs.map(r => cell(r, name)).join(' | ')} |`)].join('\n')
}

async function chart(runs: Run[]): Promise<Buffer> {
  const values = runs.flatMap(run =>
    run.curve.flatMap(p => [
      {scale: run.scale, rows: run.rows, series: p.series, measure: 'time (s)', value: p.seconds},
      {scale: run.scale, rows: run.rows, series: p.series, measure: 'peak RSS (MB)', value: p.rssBytes / 1048576},
    ]),
  )
  const spec = compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    data: {values},
    facet: {column: {field: 'measure', type: 'nominal', title: null, sort: ['time (s)', 'peak RSS (MB)']}},
    resolve: {scale: {y: 'independent'}},
    spec: {
      width: 360,
      height: 260,
      mark: {type: 'line', point: true},
      encoding: {
        x: {field: 'rows', type: 'quantitative', scale: {type: 'log'}, title: 'rows in the database'},
        y: {field: 'value', type: 'quantitative', scale: {type: 'log'}, title: null},
        color: {field: 'series', type: 'nominal', title: 'scenario'},
      },
    },
  } as never).spec
  const view = new vega.View(vega.parse(spec), {renderer: 'none'})
  const svg = await view.toSVG()
  view.finalize()
  return new Resvg(svg, {background: 'white', fitTo: {mode: 'zoom', value: 2}, font: {loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans'}})
    .render()
    .asPng()
}

export async function drawCurves(bench: string): Promise<void> {
  const runs = await latestRuns(bench)
  if (runs.length === 0) return
  await writeFile(join(bench, 'curves.png'), await chart(runs))
  await writeFile(
    join(bench, 'curves.md'),
    `# Cost curves\n\nTime and peak memory (RSS) of each scenario at each size, from the latest \`npm run bench\` at that size that measured it (see BENCHMARKS.md for the baselines and ratios). Each size was measured in its own run; compare ratios within a run, not times across runs on a shared machine.\n\n${table(runs)}\n\n![cost curves](curves.png)\n`,
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await drawCurves(fileURLToPath(new URL('.', import.meta.url)))
